"""The people of a site: members (who credit belongs to, how they are found), staff and their
roles, member and staff logins, PINs and the one lockout rule for wrong PINs."""
