"""The archive's pages, one module per journey: activities, requests, attachments, response limits."""
