"""The web service: HTTP API, authentication, tenancy, persistence, review workflow and CLI."""
