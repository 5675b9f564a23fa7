"""What every page shares: errors, security headers, template helpers, request parameters, kept forms."""
