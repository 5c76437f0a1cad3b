"""Reasoning over one case: facts, the compiled rule base on durable-rules, and the Assessment
assembled from what fired."""
