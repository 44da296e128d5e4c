"""Speed and memory figures, each as a ratio against a named baseline measured in the same run."""
