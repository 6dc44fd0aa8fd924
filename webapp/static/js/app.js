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

// 结构图: a chart wider than its card opens scrolled to its top box (the root is centred over the tree).
document.addEventListener('DOMContentLoaded', () => {
  const scroller = document.querySelector('.org-chart-scroll');
  const root = scroller && scroller.querySelector('.org-chart-node .org-chart-box');
  if (!root || scroller.scrollWidth <= scroller.clientWidth) return;
  const box = root.getBoundingClientRect();
  const frame = scroller.getBoundingClientRect();
  scroller.scrollLeft += box.left + box.width / 2 - (frame.left + frame.width / 2);
});
