/**
 * The simulator's account directory. Seeded accounts are never stored: each one is a pure
 * function of (seed, slot), so 100,000 accounts cost one listing-order array and nothing else.
 * Only accounts that were created, changed or deleted after the start are kept in memory.
 *
 * The benchmark is why: it syncs 100,000 accounts and more with the simulator inside the service's
 * own process, whose memory it measures (BENCHMARKS.md, "Memory"), so the directory must not grow
 * with N. Deriving on demand takes three small seeded pieces, all from one hash: the listing order
 * (one shuffle at start), the slot written into each id's last 8 hex digits (so an id leads back
 * to its account without an index of ids), and the exact share the ratio switches pick.
 */
import { CORRUPTED_ACCOUNT_ID } from '../../lambdas/domain/jira-account.js';

/** `unknown`: a record Jira cannot identify (a corrupted one); only made by the `unknownAccounts` switch. */
export type SimulatedAccountType = 'atlassian' | 'customer' | 'app' | 'unknown';

export interface SimulatedAccount {
  accountId: string;
  accountType: SimulatedAccountType;
  /** null when Jira sends none (the `nullDisplayNameRatio` switch, and `unknown` records). */
  displayName: string | null;
  /** Missing when the account's privacy settings hide it (and for apps, which have none). */
  emailAddress?: string;
  active: boolean;
}

/** What the seeded part of the directory holds; inactive and hidden accounts alternate atlassian/customer. */
export interface DirectoryLayout {
  seed: number;
  users: number;
  customers: number;
  apps: number;
  inactive: number;
  hiddenEmails: number;
  emailDomain: string;
  /** `short`: `qm:<uuid>`; `real`: `qm:<uuid>:<24 hex>`, as JSM customers' ids look on a real site. */
  customerIdStyle: 'short' | 'real';
}

/** Switches that change seeded accounts while the simulator runs (see quirks.ts). */
export interface DirectoryShape {
  nullEmailRatio: number;
  nullDisplayNameRatio: number;
}

export type AccountChanges = Partial<Omit<SimulatedAccount, 'accountId'>>;

/** Thrown by update/delete for an account the directory does not hold. */
export class UnknownAccountError extends Error {
  constructor(readonly accountId: string) {
    super(`No account ${accountId}.`);
    this.name = 'UnknownAccountError';
  }
}

/** A list written as one line of words. */
const words = (text: string): readonly string[] => text.split(' ');

const FIRST_NAMES = words(
  'Ada Alan Grace Edsger Barbara Donald Margaret Ken Frances Dennis Radia Tim Katherine Linus Hedy John Annie Claude Sophie Niklaus Karen Vint Shafi Leslie Joan Bjarne Adele Guido Evelyn James Mary Robert Lynn Brian Jean Peter Ida Martin Carol Andrew',
);
const LAST_NAMES = words(
  'Lovelace Turing Hopper Dijkstra Liskov Knuth Hamilton Thompson Allen Ritchie Perlman Berners-Lee Johnson Torvalds Lamarr McCarthy Easley Shannon Wilson Wirth Jones Cerf Goldwasser Lamport Clarke Stroustrup Goldberg Rossum Boyd Gosling Keller Floyd Conway Kernighan Sammet Naur Rhodes Fowler Shaw Tanenbaum',
);
const APP_NAMES = [
  'Automation for Jira',
  'Slack',
  'Jira Service Management Widget',
  'Opsgenie',
  'Statuspage',
  'Trello',
];
const CUSTOMER_DOMAINS = ['acme.example', 'globex.example', 'initech.example', 'umbrella.example', 'hooli.example'];
const TIME_ZONES = [
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Australia/Sydney',
];
const LOCALES = ['en_GB', 'de_DE', 'en_US', 'en_US', 'ja_JP', 'en_AU'];

/** Murmur3's finaliser: a fast, well-mixed 32-bit hash. */
function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hash(seed: number, slot: number, salt: number): number {
  return mix32(mix32(seed ^ Math.imul(salt + 1, 0x9e3779b9)) ^ Math.imul(slot + 1, 0x27d4eb2d));
}

const hex8 = (value: number): string => value.toString(16).padStart(8, '0');

/** The slot in an id's last 8 hex digits, masked by a seeded value (its own inverse), so it can be read back. */
const maskSlot = (value: number, mask: number): number => (value ^ mask) >>> 0;

function pick<T>(list: readonly T[], value: number): T {
  return list[value % list.length] as T;
}

/** Salts of the two seeded selections, so the null-email and null-name accounts are not the same ones. */
const SHUFFLE_SALT = 30;
const NULL_EMAIL_SALT = 20;
const NULL_NAME_SALT = 21;

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

interface SlotKind {
  accountType: SimulatedAccountType;
  active: boolean;
  emailHidden: boolean;
}

export class AccountDirectory {
  /** Live slots, in the stable order `users/search` lists them. */
  private readonly order: number[] = [];
  /** Seeded accounts changed since the start, and every account created since. */
  private readonly stored = new Map<number, SimulatedAccount>();
  private readonly deleted = new Set<number>();
  /** Account ids given by the creator rather than derived from the slot. */
  private readonly customIds = new Map<string, number>();
  private readonly seededCount: number;
  /** The slot number is folded into the last 8 hex digits of every derived account id. */
  private readonly slotMask: number;
  private nextSlot: number;
  private shape: DirectoryShape = { nullEmailRatio: 0, nullDisplayNameRatio: 0 };
  /** Slots of the live `unknown` records, oldest first. */
  private unknownSlots: number[] = [];

  constructor(private readonly layout: DirectoryLayout) {
    this.seededCount = layout.users + layout.customers + layout.apps + layout.inactive + layout.hiddenEmails;
    this.slotMask = hash(layout.seed, 0x7fffffff, 99);
    this.nextSlot = this.seededCount;
    // Slots 0 and 1 (the administrator and the agent) lead; the rest are shuffled so that any
    // page mixes users, customers, apps, inactive and hidden accounts, as a real site does.
    for (let slot = 0; slot < this.seededCount; slot += 1) this.order.push(slot);
    for (let i = this.order.length - 1; i > 2; i -= 1) {
      const j = 2 + (hash(layout.seed, i, SHUFFLE_SALT) % (i - 1));
      const swap = this.order[i] as number;
      this.order[i] = this.order[j] as number;
      this.order[j] = swap;
    }
  }

  /** Takes effect at once for the seeded accounts not changed since the start. */
  setShape(shape: DirectoryShape): void {
    this.shape = { ...shape };
  }

  /**
   * Add or remove `unknown` records until there are `count`. They sit at seeded places in the
   * listing (never before the administrator and the agent); the first is `accountId: "unknown"`.
   */
  setUnknownAccounts(count: number): void {
    this.unknownSlots = this.unknownSlots.filter((slot) => !this.deleted.has(slot));
    while (this.unknownSlots.length > count) {
      const slot = this.unknownSlots.pop() as number;
      this.remove(slot);
    }
    while (this.unknownSlots.length < count) {
      const slot = this.nextSlot;
      const named = this.get(CORRUPTED_ACCOUNT_ID) === undefined;
      const accountId = named ? CORRUPTED_ACCOUNT_ID : this.derivedId(slot, 'unknown');
      this.nextSlot += 1;
      if (named) this.customIds.set(accountId, slot);
      this.stored.set(slot, { accountId, accountType: 'unknown', displayName: null, active: true });
      this.order.splice(2 + (hash(this.layout.seed, slot, 31) % Math.max(1, this.order.length - 1)), 0, slot);
      this.unknownSlots.push(slot);
    }
  }

  /**
   * Whether this account's hidden email is sent as `null` rather than left out: the seeded ones
   * picked by `nullEmailRatio` (not their later changes' doing).
   */
  emailSentAsNull(accountId: string): boolean {
    const slot = this.slotOf(accountId);
    return slot !== undefined && this.picked(slot, this.shape.nullEmailRatio, NULL_EMAIL_SALT);
  }

  get size(): number {
    return this.order.length;
  }

  /** The account at a seeded slot (0 is the administrator, 1 the agent). */
  atSlot(slot: number): SimulatedAccount | undefined {
    if (this.deleted.has(slot)) return undefined;
    const stored = this.stored.get(slot);
    if (stored) return { ...stored };
    return slot < this.seededCount ? this.generate(slot) : undefined;
  }

  /** One page in listing order; fewer than `maxResults` (or none) at the end. */
  page(startAt: number, maxResults: number): SimulatedAccount[] {
    const end = Math.min(this.order.length, startAt + maxResults);
    const page: SimulatedAccount[] = [];
    for (let position = startAt; position < end; position += 1) {
      const account = this.atSlot(this.order[position] as number);
      if (account) page.push(account);
    }
    return page;
  }

  /** One page of the accounts `keep` accepts, positions counted among those only (walks the list: small sites). */
  pageWhere(startAt: number, maxResults: number, keep: (account: SimulatedAccount) => boolean): SimulatedAccount[] {
    const page: SimulatedAccount[] = [];
    let position = 0;
    for (const slot of this.order) {
      if (page.length >= maxResults) break;
      const account = this.atSlot(slot);
      if (!account || !keep(account)) continue;
      if (position >= startAt) page.push(account);
      position += 1;
    }
    return page;
  }

  all(): SimulatedAccount[] {
    return this.page(0, this.order.length);
  }

  get(accountId: string): SimulatedAccount | undefined {
    const slot = this.slotOf(accountId);
    return slot === undefined ? undefined : this.atSlot(slot);
  }

  create(input: Partial<SimulatedAccount> & { displayName: string }): SimulatedAccount {
    const slot = this.nextSlot;
    const accountType = input.accountType ?? 'atlassian';
    if (input.accountId !== undefined && this.get(input.accountId)) {
      throw new Error(`The account ${input.accountId} exists already.`);
    }
    const account: SimulatedAccount = {
      accountId: input.accountId ?? this.derivedId(slot, accountType),
      accountType,
      displayName: input.displayName,
      active: input.active ?? true,
    };
    if (input.emailAddress !== undefined) account.emailAddress = input.emailAddress;
    this.nextSlot += 1;
    if (input.accountId !== undefined) this.customIds.set(input.accountId, slot);
    this.stored.set(slot, account);
    this.order.push(slot);
    return { ...account };
  }

  /** `emailAddress: undefined` in the changes hides the email; the account id never changes. */
  update(accountId: string, changes: AccountChanges): SimulatedAccount {
    const slot = this.slotOf(accountId);
    const current = slot === undefined ? undefined : this.atSlot(slot);
    if (slot === undefined || !current) throw new UnknownAccountError(accountId);
    const next: SimulatedAccount = { ...current };
    if (changes.accountType !== undefined) next.accountType = changes.accountType;
    if (changes.displayName !== undefined) next.displayName = changes.displayName;
    if (changes.active !== undefined) next.active = changes.active;
    if ('emailAddress' in changes) {
      if (changes.emailAddress === undefined) delete next.emailAddress;
      else next.emailAddress = changes.emailAddress;
    }
    this.stored.set(slot, next);
    return { ...next };
  }

  delete(accountId: string): SimulatedAccount {
    const slot = this.slotOf(accountId);
    const current = slot === undefined ? undefined : this.atSlot(slot);
    if (slot === undefined || !current) throw new UnknownAccountError(accountId);
    this.remove(slot);
    return current;
  }

  private remove(slot: number): void {
    this.deleted.add(slot);
    this.stored.delete(slot);
    const position = this.order.indexOf(slot);
    if (position >= 0) this.order.splice(position, 1);
  }

  /**
   * Whether a seeded active user or customer (never the administrator or the agent) is among the
   * `ratio` picked with `salt`: exactly ⌊n·ratio⌋ of the n of them, evenly spread from a seeded
   * start (the shuffled listing order scatters them).
   */
  private picked(slot: number, ratio: number, salt: number): boolean {
    const first = 2;
    const end = this.layout.users + this.layout.customers;
    if (ratio <= 0 || slot < first || slot >= end) return false;
    const n = end - first;
    const rank = (slot - first + hash(this.layout.seed, 1, salt)) % n;
    return Math.floor((rank + 1) * ratio) > Math.floor(rank * ratio);
  }

  private slotOf(accountId: string): number | undefined {
    const custom = this.customIds.get(accountId);
    if (custom !== undefined) return custom;
    const match = /([0-9a-f]{8})$/.exec(accountId);
    if (!match?.[1]) return undefined;
    const slot = maskSlot(parseInt(match[1], 16), this.slotMask);
    if (slot >= this.nextSlot) return undefined;
    // The suffix only names a candidate: the whole id must be the one that slot carries.
    const account =
      this.stored.get(slot) ?? (slot < this.seededCount && !this.deleted.has(slot) ? this.generate(slot) : undefined);
    return account?.accountId === accountId ? slot : undefined;
  }

  private kindOf(slot: number): SlotKind {
    const { users, customers, apps, inactive } = this.layout;
    if (slot < users) return { accountType: 'atlassian', active: true, emailHidden: false };
    let rest = slot - users;
    if (rest < customers) return { accountType: 'customer', active: true, emailHidden: false };
    rest -= customers;
    if (rest < apps) return { accountType: 'app', active: true, emailHidden: true };
    rest -= apps;
    const accountType = rest % 2 === 0 ? 'atlassian' : 'customer';
    if (rest < inactive) return { accountType, active: false, emailHidden: false };
    return { accountType: (rest - inactive) % 2 === 0 ? 'atlassian' : 'customer', active: true, emailHidden: true };
  }

  /**
   * Jira's shapes: `712020:<uuid>` for Atlassian accounts (and unknown records), `qm:<uuid>` or
   * `qm:<uuid>:<24 hex>` for customers, 24 hex for apps. The last 8 hex digits always encode the slot.
   */
  private derivedId(slot: number, accountType: SimulatedAccountType): string {
    const { seed } = this.layout;
    const tail = hex8(maskSlot(slot, this.slotMask));
    const a = hex8(hash(seed, slot, 10));
    const b = hex8(hash(seed, slot, 11));
    if (accountType === 'app') return `5${a.slice(1)}${b}${tail}`;
    const c = hash(seed, slot, 12);
    const hc = hex8(c);
    const variant = (8 + (c & 3)).toString(16);
    const uuidHead = `${a}-${b.slice(0, 4)}-4${b.slice(4, 7)}-${variant}${hc.slice(0, 3)}-${hc.slice(3, 7)}`;
    if (accountType !== 'customer') return `712020:${uuidHead}${tail}`;
    if (this.layout.customerIdStyle === 'short') return `qm:${uuidHead}${tail}`;
    const uuid = `${uuidHead}${hex8(hash(seed, slot, 13))}`;
    return `qm:${uuid}:${hex8(hash(seed, slot, 14))}${hex8(hash(seed, slot, 15))}${tail}`;
  }

  private generate(slot: number): SimulatedAccount {
    const { seed, emailDomain } = this.layout;
    const kind = this.kindOf(slot);
    const accountId = this.derivedId(slot, kind.accountType);
    if (kind.accountType === 'app') {
      const name = pick(APP_NAMES, hash(seed, slot, 1));
      return {
        accountId,
        accountType: 'app',
        displayName: slot % APP_NAMES.length === 0 ? name : `${name} ${slot}`,
        active: true,
      };
    }
    const first = pick(FIRST_NAMES, hash(seed, slot, 1));
    const last = pick(LAST_NAMES, hash(seed, slot, 2));
    const displayName = this.picked(slot, this.shape.nullDisplayNameRatio, NULL_NAME_SALT) ? null : `${first} ${last}`;
    const account: SimulatedAccount = { accountId, accountType: kind.accountType, displayName, active: kind.active };
    if (!kind.emailHidden && !this.picked(slot, this.shape.nullEmailRatio, NULL_EMAIL_SALT)) {
      const domain = kind.accountType === 'customer' ? pick(CUSTOMER_DOMAINS, hash(seed, slot, 3)) : emailDomain;
      // One account in seven writes its email in mixed case, as people do, so that matching
      // on email has to ignore case. Slots 0 and 1 (administrator, agent) stay lower case.
      const mixedCase = slot > 1 && hash(seed, slot, 4) % 7 === 0;
      account.emailAddress = mixedCase
        ? `${first}.${last}.${slot}@${capitalise(domain)}`
        : `${first}.${last}.${slot}@${domain}`.toLowerCase();
    }
    return account;
  }

  /** Time zone and locale for the REST shape; derived, never stored. */
  profileOf(accountId: string): { timeZone: string; locale: string } {
    const value = mix32(this.layout.seed ^ accountId.length ^ accountId.charCodeAt(accountId.length - 1));
    return { timeZone: pick(TIME_ZONES, value), locale: pick(LOCALES, value) };
  }
}
