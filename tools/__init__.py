"""Tools for trying the assistant by hand."""
