"""通知: notifications to people, created once per event through service.notify()."""
