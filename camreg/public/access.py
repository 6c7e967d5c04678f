from camreg.web.access import public

URL_ACCESS = {
    "public:home": public(),
    "public:faq": public(),
    "public:terms": public(),
    "public:privacy": public(),
    "public:set-language": public(ok=302),  # GET just returns to the page
    "public:agency-logo": public(ok=404),  # no logo configured in the tests
    "public:healthz": public(),
}
