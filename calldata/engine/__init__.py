"""Pure pandas/pyarrow analysis of CAD calls-for-service exports. No Django in this package.

reading -> mapping -> normalise (with quality rules) -> taxonomy -> summary; scenario, staffing
and tree evaluate the normalised calls. Everything works on whole columns (vectorised) and on
chunks, so a file of several million rows is read block by block.
"""
