/**
 * Paths of the staff screens, for links from one feature to another's page (features never import each
 * other) and for the routes and tabs that serve them.
 */
export const COUNTER_PATH = "/counter";

/** A customer's read-mostly profile and history (features/staff-customer). */
export const STAFF_CUSTOMER_PREFIX = "/staff/customers";
export const STAFF_CUSTOMER_ROUTE = `${STAFF_CUSTOMER_PREFIX}/:id`;
export const staffCustomerPath = (customerId: string) => `${STAFF_CUSTOMER_PREFIX}/${encodeURIComponent(customerId)}`;
