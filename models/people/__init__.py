"""People: users, their roles and credentials, notification preferences, administration."""
