"""Labour rules."""
