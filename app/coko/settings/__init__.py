"""One settings module per environment: base, production, test, local."""
