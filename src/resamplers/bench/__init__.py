"""Benchmarks that ship with the package: ``resamplers bench`` runs :mod:`resize` (resize
against the peers installed here); :mod:`harness` holds the timing, table, JSON and memory
helpers that the scripts in ``benchmarks/`` share."""
