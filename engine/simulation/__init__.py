"""The batch simulator: a call type's script, in one or two versions of the content, talked through by a model
operator with thousands of synthetic customers, and the versions compared with confidence intervals."""
