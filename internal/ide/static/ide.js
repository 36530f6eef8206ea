// Starts GraphiQL in the element #graphiql. The page loads this file after
// React, ReactDOM and GraphiQL (UMD builds, which define the globals React,
// ReactDOM and GraphiQL). The GraphQL endpoint comes from the element's
// data-endpoint attribute, relative to the page.
(function () {
  'use strict';

  var container = document.getElementById('graphiql');
  var url = new URL(container.getAttribute('data-endpoint'), location.href);
  var subscriptionUrl = new URL(url.href);
  subscriptionUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';

  var baseFetcher = GraphiQL.createFetcher({
    url: url.href,
    subscriptionUrl: subscriptionUrl.href,
  });

  // savedHeaders returns the headers of the active tab as GraphiQL saved them
  // in localStorage (only when "persist headers" is on), or undefined.
  function savedHeaders() {
    try {
      var state = JSON.parse(localStorage.getItem('graphiql:tabState') || 'null');
      var text = state && state.tabs && state.tabs[state.activeTabIndex]
        ? state.tabs[state.activeTabIndex].headers
        : localStorage.getItem('graphiql:headers');
      var headers = text ? JSON.parse(text) : null;
      if (headers && typeof headers === 'object' && !Array.isArray(headers)) {
        return headers;
      }
    } catch (e) {
      // Unreadable or invalid saved headers: send none.
    }
    return undefined;
  }

  // GraphiQL fetches the schema on start-up before its headers editor
  // exists, and then sends no headers at all. On an API that needs
  // Authorization for that request, the schema (docs, completion) would fail
  // after every reload, so the start-up schema request uses the saved headers.
  function fetcher(params, opts) {
    if (params && params.operationName === 'IntrospectionQuery' && !(opts && opts.headers)) {
      var headers = savedHeaders();
      if (headers) {
        opts = Object.assign({}, opts, { headers: headers });
      }
    }
    return baseFetcher(params, opts);
  }

  // The first tab of a new browser: a working read and a merge preview of
  // this API, and where the token goes. GraphiQL shows it until the user's
  // own tabs are saved.
  var defaultQuery = [
    '# Contacts API. Put your token in the Headers tab below:',
    '#   {"Authorization": "Bearer <token>"}',
    '# `go run .` prints a demo token at start-up.',
    '',
    'query Contacts {',
    '  contacts(first: 5) {',
    '    totalCount',
    '    nodes {',
    '      id name emails phoneNumbers lastActivityAt',
    '      conversations(first: 2) { nodes { id subject } }',
    '    }',
    '  }',
    '}',
    '',
    '# Preview a merge (nothing is stored with dryRun: true); set the',
    '# variables below to two contact ids from the query above.',
    'mutation PreviewMerge($base: ID!, $mergee: ID!) {',
    '  mergeContacts(input: {baseContactId: $base, mergeeContactIds: [$mergee], dryRun: true}) {',
    '    preview { contactId name emails conversations { totalCount } }',
    '    mergedContactIds',
    '    summary { conversationsMoved messagesReassigned labelsAdded }',
    '    userErrors { field message code }',
    '  }',
    '}',
    '',
  ].join('\n');

  ReactDOM.createRoot(container).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      // Keep GraphiQL's default storage (localStorage), including headers,
      // so query, variables and headers survive a reload.
      shouldPersistHeaders: true,
      isHeadersEditorEnabled: true,
      defaultEditorToolsVisibility: 'headers',
      inputValueDeprecation: true,
      defaultQuery: defaultQuery,
    }),
  );
})();
