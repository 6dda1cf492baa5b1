"""The slow suite: real processes, network namespaces, foreign UPnP stacks, a browser and the conformance probe."""
