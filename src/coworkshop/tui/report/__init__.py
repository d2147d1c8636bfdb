"""Reports from the app: the open session's (or a merged file's) consensus report."""
