"""What every page shares: errors, security headers, template helpers, paging, kept forms."""
