"""Console scripts: trove-guestagent and trove-mongodb."""
