/**
 * What ids look like, apart from making them (ids.ts draws on node:crypto): the request rules use these,
 * and the web console bundles those rules into the browser.
 */

/** An uploaded file's id as media fields accept it bare. */
export const fileIdPattern = /^file_[0-9A-HJKMNP-TV-Z]{26}$/;
