"""Reports: pure functions of an Assessment (or a Comparison) that render it as text, Markdown, HTML,
graphs and `explain` answers."""
