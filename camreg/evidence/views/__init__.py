"""Evidence pages, thin (parse, call a service, render), one module per audience or capability:
`upload` (the owner's upload page and the tus endpoint behind a footage request's link),
`intake` (staff taking footage in), `files` (evidence files, downloads, custody reports),
`releases` (releases, share links, stills and bulletins)."""
