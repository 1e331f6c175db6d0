"""``ideaudit watch``: the session loop, the paths it watches, IDE checks, output and notifications."""
