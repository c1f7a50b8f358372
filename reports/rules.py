"""What each role may do with the programme's figures: the coverage of the whole programme is the bureau's."""

import rules

from accounts.access import is_bureau

rules.add_perm("reports.view_programme", is_bureau)
