"""Cost data: the FOCUS columns every source is normalised to, and the rules over cost lines."""
