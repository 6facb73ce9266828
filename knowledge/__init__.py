"""What the assistant knows: topics, follow-up questions, policy statements with their sources,
regions, and the computations behind answers.

Read from the YAML files in data/; no dialogue code and no I/O beyond reading those files.
Actions, channels, the NLU components and the benchmarks import it; it imports none of them.
"""
