"""Tasks built on the library: their data, protocols and evaluation (super-resolution: ``sr``)."""
