/**
 * UI strings. Server components look them up; client components receive only the few
 * strings they render as props, so no dictionary is shipped to the browser.
 */
import type { Locale } from "./i18n";

const fr = {
  siteName: "Coko",
  tagline: "Lire, partout en Afrique",
  nav: { home: "Accueil", search: "Rechercher", reading: "Mes lectures", signIn: "Se connecter" },
  switchTo: "English",
  home: {
    title: "Livres populaires",
    lead: "Ce que lisent les lecteurs de Coko en ce moment.",
    readers: (n: number) => (n > 1 ? `${n} lecteurs` : `${n} lecteur`),
    emptyPopular: "Pas encore de classement : voici le catalogue.",
  },
  search: {
    title: "Rechercher",
    label: "Titre ou auteur",
    placeholder: "ex. Kourouma",
    submit: "Chercher",
    results: (n: number, q: string) => (n > 1 ? `${n} résultats pour « ${q} »` : `${n} résultat pour « ${q} »`),
    none: (q: string) => `Aucun livre ne correspond à « ${q} ».`,
    previous: "Page précédente",
    next: "Page suivante",
    page: (page: number, pages: number) => `Page ${page} sur ${pages}`,
    unavailable: "La recherche est momentanément indisponible. Réessayez dans un instant.",
  },
  book: {
    by: "par",
    published: "Publié en",
    isbn: "ISBN",
    language: "Langue",
    progressTitle: "Ma progression",
    percentLabel: "Pourcentage lu",
    save: "Enregistrer",
    saved: "Progression enregistrée",
    saveFailed: "Échec de l'enregistrement, réessayez.",
    signInToTrack: "Connectez-vous pour suivre votre lecture",
    loading: "Chargement…",
  },
  reading: {
    title: "Mes lectures",
    signedInAs: (name: string) => `Connecté en tant que ${name}`,
    empty: "Vous n'avez pas encore commencé de livre. Trouvez-en un dans la recherche.",
    percent: (n: number) => `${n} % lu`,
    signOut: "Se déconnecter",
    unknownBook: (id: number) => `Livre n° ${id}`,
  },
  signIn: {
    title: "Connexion",
    username: "Nom d'utilisateur",
    password: "Mot de passe",
    submit: "Se connecter",
    invalid: "Nom d'utilisateur ou mot de passe incorrect.",
    locked: "Trop de tentatives : réessayez dans quelques minutes.",
    unavailable: "Le service est indisponible, réessayez dans un instant.",
  },
  notFound: "Ce livre n'existe pas.",
};

export type Dictionary = typeof fr;

const en: Dictionary = {
  siteName: "Coko",
  tagline: "Reading, all over Africa",
  nav: { home: "Home", search: "Search", reading: "My reading", signIn: "Sign in" },
  switchTo: "Français",
  home: {
    title: "Popular books",
    lead: "What Coko readers are reading right now.",
    readers: (n: number) => (n === 1 ? "1 reader" : `${n} readers`),
    emptyPopular: "No ranking yet: here is the catalogue.",
  },
  search: {
    title: "Search",
    label: "Title or author",
    placeholder: "e.g. Achebe",
    submit: "Search",
    results: (n: number, q: string) => (n === 1 ? `1 result for “${q}”` : `${n} results for “${q}”`),
    none: (q: string) => `No book matches “${q}”.`,
    previous: "Previous page",
    next: "Next page",
    page: (page: number, pages: number) => `Page ${page} of ${pages}`,
    unavailable: "Search is unavailable for a moment. Please try again shortly.",
  },
  book: {
    by: "by",
    published: "Published in",
    isbn: "ISBN",
    language: "Language",
    progressTitle: "My progress",
    percentLabel: "Percent read",
    save: "Save",
    saved: "Progress saved",
    saveFailed: "Could not save, please try again.",
    signInToTrack: "Sign in to track your reading",
    loading: "Loading…",
  },
  reading: {
    title: "My reading",
    signedInAs: (name: string) => `Signed in as ${name}`,
    empty: "You have not started a book yet. Find one with search.",
    percent: (n: number) => `${n}% read`,
    signOut: "Sign out",
    unknownBook: (id: number) => `Book #${id}`,
  },
  signIn: {
    title: "Sign in",
    username: "Username",
    password: "Password",
    submit: "Sign in",
    invalid: "Wrong username or password.",
    locked: "Too many attempts: try again in a few minutes.",
    unavailable: "The service is unavailable, please try again shortly.",
  },
  notFound: "This book does not exist.",
};

const DICTIONARIES: Record<Locale, Dictionary> = { fr, en };

export function dictionary(lang: Locale): Dictionary {
  return DICTIONARIES[lang];
}
