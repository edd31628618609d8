"""The enterprise's applicant roster (申报人员花名册), imported from Excel or CSV by HR."""
