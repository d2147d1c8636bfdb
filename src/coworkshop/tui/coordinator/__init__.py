"""The coordinator's screens: merging session files and the sessions overview."""
