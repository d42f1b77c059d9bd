"""Small reusable widgets: checked address field, password field, timeline, charts."""
