"""Data in and out: image and ``.npy`` files, and sample images."""
