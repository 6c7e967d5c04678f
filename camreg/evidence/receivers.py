"""Evidence fills the case page and follows the footage requests: connected in
EvidenceConfig.ready()."""
