/** A company that contacts can belong to. */
export interface Company {
  id: string;
  name: string;
  domain: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewCompany {
  name: string;
  domain?: string | null;
}

export type CompanyChanges = Partial<NewCompany>;
