"""Work over more than one case: batches of case files and the comparison of two visits."""
