"""`{% load masking %}`: `value|mask_phone`, `value|mask_email` for pages that list people but never need their
details in full (the reminders' outbox). Pages where a role may need them in full decide in their app's selector."""

from django import template

from huhang import masking

register = template.Library()

register.filter("mask_phone", masking.mask_phone)
register.filter("mask_email", masking.mask_email)
