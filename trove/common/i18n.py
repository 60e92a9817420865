"""oslo.i18n integration for the project's user-facing messages."""

import oslo_i18n

DOMAIN = 'trove'

_translators = oslo_i18n.TranslatorFactory(domain=DOMAIN)

# The primary translation function using the well-known name "_"
_ = _translators.primary
