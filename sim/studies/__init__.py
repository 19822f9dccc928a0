"""Plan-writer studies built on the world: static 2-hour reach and base siting."""
