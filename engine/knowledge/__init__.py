"""The clinical knowledge: the rule model, the rule base and its checks, the vocabulary and the bibliography."""
