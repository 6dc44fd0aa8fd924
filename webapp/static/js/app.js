// Small progressive enhancements; every page works without them.
document.addEventListener('click', (event) => {
  const print = event.target.closest('[data-print]');
  if (print) {
    event.preventDefault();
    window.print();
  }
});

document.addEventListener('submit', (event) => {
  const message = event.target.getAttribute('data-confirm');
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// Login page demo hint: clicking a demo username fills the form.
document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-fill-username]');
  if (!button) return;
  const username = document.querySelector('input[name=username]');
  const password = document.querySelector('input[name=password]');
  if (username) username.value = button.dataset.fillUsername;
  if (password) { password.value = 'partyflow'; password.form.requestSubmit(); }
});
