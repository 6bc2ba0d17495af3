"""Pages of the call-data analysis, one module per area. Access: program staff, and a
jurisdiction's contact for their own jurisdiction only (another jurisdiction's objects are a
404)."""
