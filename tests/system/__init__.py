"""
The slow system tests: real daemons, namespaces, foreign stacks.
"""
