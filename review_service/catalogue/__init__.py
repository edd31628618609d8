"""The label catalogue: every code the API returns, with its Chinese and English name, served
once (``GET /api/v1/catalogue``) so the web app names codes from one place."""
