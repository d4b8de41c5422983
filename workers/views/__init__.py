"""Worker pages, one module per area: sign-up, home, unemployment registration, own data."""
