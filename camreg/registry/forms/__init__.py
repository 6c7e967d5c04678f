"""Forms for registration and self-service.

A registration is one contact form, one or more site forms and one or more camera forms per
site. `RegistrationForm` holds them together so the same page works without JavaScript:
"add a site" and "add a camera" are submit buttons that re-render the page with one more
empty form, and nothing is validated or stored until the registrant submits.
"""

from .limits import MAX_CAMERAS_PER_SITE, MAX_SITES
from .parts import CameraForm, ContactForm, SiteForm, TermsAcceptanceForm
from .portal import LeaveForm, ManageRequestForm, MovedForm
from .registration import RegistrationForm, SiteBlock

__all__ = [
    "MAX_CAMERAS_PER_SITE",
    "MAX_SITES",
    "CameraForm",
    "ContactForm",
    "LeaveForm",
    "ManageRequestForm",
    "MovedForm",
    "RegistrationForm",
    "SiteBlock",
    "SiteForm",
    "TermsAcceptanceForm",
]
