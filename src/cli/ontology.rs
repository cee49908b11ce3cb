//! `topicgraph ontology check|stats`.

use anyhow::Result;
use clap::{Args, Subcommand};
use topicgraph::ontology::{check, Ontology, OntologySpec, Severity};

#[derive(Args)]
pub struct OntologyArgs {
    #[command(subcommand)]
    what: OntologyCommand,
}

#[derive(Subcommand)]
enum OntologyCommand {
    /// Validate ontology files: unknown broader/related targets, broader cycles, concepts
    /// without labels (errors, exit code 1), labels shared by several concepts and slug
    /// collisions (warnings). Files are loaded in order, like --ontology.
    #[command(after_help = "Examples:\n  topicgraph ontology check bundled\n  topicgraph ontology check bundled mine.ttl")]
    Check {
        #[arg(required = true, value_name = "FILE|bundled")]
        files: Vec<OntologySpec>,
    },
    /// Counts: concepts, core and umbrella concepts, labels, acronyms, links, depth.
    #[command(after_help = "Example:\n  topicgraph ontology stats bundled")]
    Stats {
        #[arg(value_name = "FILE|bundled")]
        files: Vec<OntologySpec>,
    },
}

pub fn run(args: OntologyArgs) -> Result<u8> {
    match args.what {
        OntologyCommand::Check { files } => {
            let (o, problems) = check(&files)?;
            for p in &problems {
                println!("{p}");
            }
            let errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
            println!("{}: {} concepts, {} error(s), {} warning(s)", o.version(), o.concepts.len(), errors, problems.len() - errors);
            Ok(if errors > 0 { 1 } else { 0 })
        }
        OntologyCommand::Stats { files } => {
            let o = Ontology::load(&files)?;
            let s = o.stats();
            println!("version         {}", o.version());
            for src in &o.sources {
                println!("source          {} {} ({} concepts)", src.name, src.version, src.concepts);
            }
            println!("concepts        {}", s.concepts);
            println!("core concepts   {}", s.core);
            println!("umbrella        {}", s.umbrella);
            println!("top concepts    {}", s.top);
            println!("altLabels       {}", s.alt_labels);
            println!("acronyms        {}", s.acronyms);
            println!("hiddenLabels    {}", s.hidden_labels);
            println!("broader links   {}", s.broader_links);
            println!("related links   {}", s.related_links);
            println!("scope notes     {}", s.with_scope_note);
            println!("max depth       {}", s.max_depth);
            Ok(0)
        }
    }
}
