URL_ACCESS: dict = {}
