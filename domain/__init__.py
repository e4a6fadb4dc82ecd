"""Pure procurement rules: standard library only, no clock, no I/O."""
