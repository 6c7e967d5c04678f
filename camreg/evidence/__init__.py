"""Evidence: footage handed over for a footage request or a case (tus uploads, staff intake),
the evidence files it becomes, their chain of custody, releases outside the agency, share
links and stills. Sits above footage and canvass; the console and the public pages show it."""
