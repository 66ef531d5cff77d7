/** X.509 v3 extension OIDs (RFC 5280 section 4.2) the readers and the generator use. */
export const OID_SUBJECT_KEY_ID = '2.5.29.14';
export const OID_KEY_USAGE = '2.5.29.15';
export const OID_SUBJECT_ALT_NAME = '2.5.29.17';
export const OID_BASIC_CONSTRAINTS = '2.5.29.19';
export const OID_AUTHORITY_KEY_ID = '2.5.29.35';
export const OID_EXT_KEY_USAGE = '2.5.29.37';
