#ifndef TAILLIGHT_ERRNO_NAME_HH
#define TAILLIGHT_ERRNO_NAME_HH

// "ENOENT" for ENOENT; "UNKNOWN" (as Node says) for numbers outside the table.
const char *errnoName(int err);

#endif
