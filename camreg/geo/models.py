"""Address points: known addresses with coordinates (OpenAddresses columns)."""

from django.db import models

from . import normalize

NORMALIZED_FIELDS = (
    "norm_number",
    "norm_street",
    "norm_street_name",
    "norm_unit",
    "norm_city",
    "norm_postcode",
)


class AddressPoint(models.Model):
    """One address and where it is, plus normalized columns for lookups."""

    longitude = models.FloatField()
    latitude = models.FloatField()
    number = models.CharField(max_length=30)
    street = models.CharField(max_length=200)
    unit = models.CharField(max_length=60, blank=True)
    city = models.CharField(max_length=100, blank=True)
    district = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=60, blank=True)
    postcode = models.CharField(max_length=20, blank=True)

    norm_number = models.CharField(max_length=30, editable=False)
    norm_street = models.CharField(max_length=200, editable=False)
    norm_street_name = models.CharField(max_length=200, editable=False)
    norm_unit = models.CharField(max_length=60, blank=True, editable=False)
    norm_city = models.CharField(max_length=100, blank=True, editable=False)
    norm_postcode = models.CharField(max_length=5, blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["norm_number", "norm_street"], name="geo_address_number_street"),
            models.Index(
                fields=["norm_number", "norm_street_name"], name="geo_address_number_name"
            ),
        ]

    def __str__(self) -> str:
        return self.address()

    def save(self, *args, **kwargs) -> None:
        self.set_normalized()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *NORMALIZED_FIELDS}
        super().save(*args, **kwargs)

    @property
    def street_line(self) -> str:
        """'1200 Truxtun Ave': number and street as the address data spells them."""
        return " ".join(part for part in (self.number, self.street) if part)

    def address(self, *, with_unit: bool = True) -> str:
        """'1200 Truxtun Ave Apt 5, Bakersfield, CA 93301'."""
        unit = self.unit if with_unit else ""
        line = " ".join(part for part in (self.number, self.street, unit) if part)
        place = " ".join(part for part in (self.region, self.postcode) if part)
        return ", ".join(part for part in (line, self.city, place) if part)

    def set_normalized(self) -> None:
        """Fill the norm_ columns from the address (bulk_create skips save)."""
        self.norm_number = normalize.normalize_number(self.number)
        self.norm_street = normalize.normalize_street(self.street)
        self.norm_street_name = normalize.normalize_street_name(self.street)
        self.norm_unit = normalize.unit_identifier(self.unit)
        self.norm_city = normalize.normalize_city(self.city)
        self.norm_postcode = normalize.normalize_postcode(self.postcode)
